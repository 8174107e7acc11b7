# follow: dash in the word of ${x-word} inside "…" a single quote is an ordinary character: it neither hides a '}' (dash; bash skips '…') nor stops $x from expanding (both); ipcsh reads it as dash, and its lexer and word parser agree on it (a fuzz_expand finding)
x=5
echo "${u:-'$x'}" "${u-'a b'}"
echo "${u:-'}'}"
echo "${u:-${v:-'}'}}"
y=abc
echo "${y#'a'}" "${y%'c'}"
