# } after a newline or a ;
{ echo a
}
{ echo b; }
