# fish completion for ipcsh(1). Keep the transport table in step with
# src/transport/spec.c and man/ipcsh.1.

# Candidates for an edge spec NAME[:OPT[=VALUE],...] given the token so far.
function __ipcsh_edge
    set -l tok $argv[1]
    if not string match -q '*:*' -- $tok
        printf '%s\t%s\n' \
            pipe 'anonymous pipe, enlarged within the pipe budget' \
            fifo 'named FIFO in a private directory, or at path=' \
            sock 'AF_UNIX stream socketpair' \
            mq 'POSIX message queue through relays' \
            shm 'lock-free shared-memory ring through relays' \
            msg 'System V message queue through relays' \
            sysvshm 'System V shared memory and semaphores through relays' \
            mmap 'file-backed shared mapping through relays' \
            dgram 'AF_UNIX datagram socketpair through relays' \
            seqpacket 'AF_UNIX seqpacket socketpair through relays' \
            tcp 'loopback TCP connection'
        return
    end
    set -l name (string split -m1 : -- $tok)[1]
    set -l rest (string split -m1 : -- $tok)[2]
    set -l prefix $name:
    set -l last $rest
    if string match -q '*,*' -- $rest
        set prefix $name:(string replace -r ',[^,]*$' '' -- $rest),
        set last (string replace -r '^.*,' '' -- $rest)
    end
    if string match -q 'path=*' -- $last; and contains -- $name fifo mmap
        for f in (__fish_complete_path (string replace 'path=' '' -- $last))
            printf '%spath=%s\n' $prefix $f
        end
        return
    end
    set -l opts
    switch $name
        case pipe
            set opts 'size=\tpipe buffer size (F_SETPIPE_SZ)'
        case fifo
            set opts 'path=\tcreate the FIFO at this path' 'size=\tpipe buffer size (F_SETPIPE_SZ)'
        case sock
            set opts 'buf=\tSO_SNDBUF/SO_RCVBUF'
        case mq
            set opts 'msgsize=\tbytes per message' 'maxmsg=\tmessages in the queue' \
                'lines\teach message holds whole lines'
        case shm
            set opts 'size=\tring bytes, a power of two (default 1M)' \
                'spin\tring-aware stages busy-wait briefly before they sleep'
        case msg
            set opts 'msgsize=\tbytes per message' 'maxbytes=\tbytes the queue holds' \
                'lines\teach message holds whole lines'
        case sysvshm
            set opts 'size=\tring bytes in the segment (default 1M)'
        case mmap
            set opts 'path=\tmap a new file at this path' 'size=\tring bytes in the file (default 1M)'
        case dgram seqpacket
            set opts 'msgsize=\tbytes per datagram (default 64K)' 'buf=\tSO_SNDBUF' \
                'lines\teach datagram holds whole lines'
        case tcp
            set opts 'buf=\tSO_SNDBUF/SO_RCVBUF' 'nodelay\tTCP_NODELAY'
    end
    # Offer each option once.
    set -l given (string replace -r '[^,]*$' '' -- $rest)
    for o in $opts
        set -l key (string match -r '^[a-z]+' -- $o)
        string match -q -r "(^|,)$key(=|,)" -- $given; and continue
        printf "%s$o\n" $prefix
    end
end

function __ipcsh_bench
    contains -- --bench (commandline -opc)
end

# The token being completed, for -t and --transport.
function __ipcsh_edge_current
    __ipcsh_edge (commandline -ct)
end

complete -c ipcsh -f
complete -c ipcsh -s h -l help -d 'Print usage and exit'
complete -c ipcsh -s V -l version -d 'Print the version and exit'
complete -c ipcsh -s c -x -d 'Run TEXT as a script'
complete -c ipcsh -s e -d 'Stop at the first list item that fails'
complete -c ipcsh -s i -d 'Interactive even without a terminal'
complete -c ipcsh -s l -l login -d 'A login shell: read /etc/profile and ~/.profile first'
complete -c ipcsh -l norc -d 'Do not read $ENV or ~/.config/ipcsh/rc'
complete -c ipcsh -s n -d 'Parse only, run nothing'
complete -c ipcsh -s o -x -a 'allexport errexit monitor noclobber noexec noglob notify nounset pipefail verbose xtrace' -d 'Set an option'
complete -c ipcsh -s s -d 'Read commands from stdin, operands are parameters'
complete -c ipcsh -s t -x -a '(__ipcsh_edge_current)' -d 'Transport of a bare |'
complete -c ipcsh -s x -d 'Print each pipeline with its wiring'
complete -c ipcsh -l plan -d 'Print the plan and run nothing'
complete -c ipcsh -l plan=json -d 'Print the plan as JSON'
complete -c ipcsh -l plan=dot -d 'Print the plan as a Graphviz graph'
complete -c ipcsh -l stats -d 'Per-edge statistics after each pipeline'
complete -c ipcsh -l stats=json -d 'Per-edge statistics as JSON'
complete -c ipcsh -l key -r -F -d 'Private key for remote stages'
complete -c ipcsh -l accept-new-host -d 'Pin the key of a host not yet in known_hosts'
complete -c ipcsh -l bench -d 'Measure every transport on this machine'
complete -c ipcsh -l keygen -d 'Make the user key pair, or list fingerprints with -l'
complete -c ipcsh -n __ipcsh_bench -l transport -x -a '(__ipcsh_edge_current)' -d 'Measure this transport'
complete -c ipcsh -n __ipcsh_bench -l bytes -x -d 'Bytes per run'
complete -c ipcsh -n __ipcsh_bench -l block -x -d 'Block size of writes'
complete -c ipcsh -n __ipcsh_bench -l reps -x -d Repetitions
complete -c ipcsh -n __ipcsh_bench -l format -x -a 'table csv json' -d 'Output format'
complete -c ipcsh -n __ipcsh_bench -l chart -r -k -a '(__fish_complete_suffix .svg)' -d 'Write an SVG bar chart'
# Pipeline files: *.ipcsh first, then any file.
complete -c ipcsh -n 'not __ipcsh_bench' -k -a '(__fish_complete_suffix .ipcsh)'
