# command -V describes built-ins, functions and keywords
# follow: bash the wording for a function is not specified by POSIX: dash says "a shell function", bash "a function" (SPEC §3: bash)
f() { :; }
command -V if
command -V cd | sed 's/ special//'
command -V f | head -n 1
