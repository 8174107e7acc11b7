# follow: bash brace expansion is bash's (dash has none; POSIX leaves {a,b} unspecified): alternatives, sequences, and what stays text
echo a{b,c}d {1..5} {05..10..2} {a..e} {e..a..2} x{,y}z {a,b}{1,2}
echo {} {a} {1..x} "{a,b}" '{c,d}' \{e,f} ${HOME+{g,h}} {a,{b,c}}d {{a,b}}
x=X; echo {$x,y} pre{"q r",s}post {-3..3} {10..1..4} {a..c}{1..2}
for f in {1..3}; do printf '%s;' $f; done; echo
set +B; echo {a,b}; set -B; echo {a,b}
y={a,b}; echo "$y"
