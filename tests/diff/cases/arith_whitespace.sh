# whitespace and newlines inside $(( ))
echo $((  1 +
  2  ))
