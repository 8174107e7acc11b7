# command -v of a reserved word
command -v if
command -v while
