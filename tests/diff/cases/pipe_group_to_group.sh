# group to group through an mq edge
{ echo 1; echo 2; } |[mq:lines] { read -r a; read -r b; echo "$b$a"; }
