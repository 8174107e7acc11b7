# alias NAME prints it in a re-usable form
alias hi='echo hi there'
alias hi
