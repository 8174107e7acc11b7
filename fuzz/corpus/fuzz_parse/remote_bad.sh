@ x
@host
