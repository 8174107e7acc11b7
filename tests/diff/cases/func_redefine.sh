# a function can be redefined
f() { echo first; }
f
f() { echo second; }
f
