# an if as a stage on both sides of a pipe edge
if true; then echo yes; fi |[pipe] if read -r v; then echo "got $v"; fi
