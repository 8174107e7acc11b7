# alias NAME prints it in a re-usable form
# known-difference: ipcsh prints `alias hi='...'` as bash does outside posix mode, so that `alias >file; . ./file` gives the aliases back; dash and bash --posix print `hi='...'`, which reads back as an assignment
alias hi='echo hi there'
alias hi
