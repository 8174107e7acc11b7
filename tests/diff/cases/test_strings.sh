# string tests
[ abc = abc ] && echo eq
[ abc != abd ] && echo ne
[ -n "x" ] && echo n
[ -z "" ] && echo z
[ "x" ] && echo nonempty
[ "" ] || echo empty-false
