# a pipeline as the condition: the last stage decides
if echo hello | grep -q ell; then echo matched; fi
if echo hello | grep -q zz; then echo matched2; else echo "no match"; fi
