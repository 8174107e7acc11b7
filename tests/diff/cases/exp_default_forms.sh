# ${x-w} ${x:-w} ${x=w} ${x:=w} ${x+w} ${x:+w} on unset, empty and set
unset u; e=; s=set
echo "[${u-d}] [${e-d}] [${s-d}]"
echo "[${u:-d}] [${e:-d}] [${s:-d}]"
echo "[${u+a}] [${e+a}] [${s+a}]"
echo "[${u:+a}] [${e:+a}] [${s:+a}]"
echo "[${u=n1}] [${e:=n2}] [$u] [$e]"
