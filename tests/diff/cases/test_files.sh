# file tests
mkdir d; : >empty; echo x >full; ln -s full link
[ -d d ] && echo "d dir"
[ -f empty ] && echo "empty file"
[ -s empty ] || echo "empty not -s"
[ -s full ] && echo "full -s"
[ -e nothing ] || echo "nothing -e false"
[ -L link ] && echo "link -L"
[ -h link ] && echo "link -h"
[ -r full ] && [ -w full ] && echo "rw"
