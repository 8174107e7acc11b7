# %b interprets escapes in its argument
printf '%b\n' 'x\ty' 'line1\nline2'
