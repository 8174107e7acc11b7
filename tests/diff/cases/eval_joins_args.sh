# eval joins its arguments with spaces
eval echo one '"two  three"'
