# nested $(( )) and command substitution inside
echo $(( $((2 + 3)) * $(echo 4) ))
