# fish completion for ipcshd(8).

# --allow CMD[,CMD...]: complete the last command of the list.
function __ipcshd_commands
    set -l tok (commandline -ct)
    set -l done (string replace -r '[^,]*$' '' -- $tok)
    complete -C(string replace -r '^.*,' '' -- $tok) | string replace -r '^' -- $done
end

complete -c ipcshd -f
complete -c ipcshd -s h -l help -d 'Print usage and exit'
complete -c ipcshd -s V -l version -d 'Print the version and exit'
complete -c ipcshd -l genkey-host -r -F -d 'Create a host key pair (0600, never overwritten)'
complete -c ipcshd -l listen -x -a '127.0.0.1:7433 [::1]:7433 0.0.0.0:7433 [::]:7433 127.0.0.1:0' -d 'Address and port to serve on'
complete -c ipcshd -l host-key -r -F -d 'The host key (private half)'
complete -c ipcshd -l authorized-keys -r -F -d 'The client keys admitted, with their options'
complete -c ipcshd -l allow -x -a '(__ipcshd_commands)' -d 'Run only these commands'
complete -c ipcshd -l allow-exact -x -d 'Run this command with exactly these arguments'
complete -c ipcshd -l accept-env -x -d 'Also accept assignments to these name patterns'
complete -c ipcshd -l max-sessions -x -d 'Sessions served at once'
complete -c ipcshd -l max-startups -x -d 'Handshakes at once, START:RATE:FULL'
complete -c ipcshd -l max-startups-per-source -x -d 'Handshakes at once from one address'
complete -c ipcshd -l hello-timeout -x -d 'Seconds a client has to send its hello'
complete -c ipcshd -l user -x -a '(__fish_complete_users)' -d 'Drop privileges to this user'
complete -c ipcshd -l allow-root -d 'Run commands as root'
complete -c ipcshd -l stdio -d 'Serve one session on stdin/stdout, under ssh'
complete -c ipcshd -l handshake-timeout -x -d 'Seconds a client has to authenticate'
complete -c ipcshd -l idle-timeout -x -d 'Seconds without traffic before a session ends (0: never)'
complete -c ipcshd -l max-args -x -d 'Most arguments a remote command may get'
complete -c ipcshd -l max-env -x -d 'Most environment assignments a remote command may get'
complete -c ipcshd -l quiet -d 'Do not log one line per session'
