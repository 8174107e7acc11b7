# %% prints a percent sign
printf '100%%\n'
printf '%s%%\n' 50
