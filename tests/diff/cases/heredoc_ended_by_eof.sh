# the end of a script ends an open here-document (dash and bash; bash warns)
echo before
cat <<EOF
body line
$((1+2))
