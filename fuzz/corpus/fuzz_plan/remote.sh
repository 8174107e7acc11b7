@host cmd | @host:7433 A=1 cmd | @[::1]:7433 x | @ssh:user@h y
