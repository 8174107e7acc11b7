# reserved words are recognised after | and after && ||
echo a | if read -r v; then echo "read $v"; fi
true && while false; do :; done && echo "while after &&"
