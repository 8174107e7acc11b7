# process substitution: fan-out with tee, output substitutions, nesting
# follow: bash process substitution is a bash extension that SPEC §3 adopts; dash has none
# (bash does not wait for >( ): the pipe to cat ends only when it exits)
{ seq 5 | tee >(grep 3) > /dev/null; } | cat
{ seq 5 | tee >(wc -l | tr -d ' ') > /dev/null; } | cat
{ echo hi > >(tr a-z A-Z); } | cat
cat <(cat <(echo nested))
echo x<(true)y | sed 's,/dev/fd/[0-9]*,P,'
echo "$(cat <(echo in-cmdsub))"
