A=1 B="x y" cmd C=2
X=1
A=1 >f B=2 cmd
