# nested expansions in a default
a=A
echo "${u:-${a}-${u2:-inner}}"
