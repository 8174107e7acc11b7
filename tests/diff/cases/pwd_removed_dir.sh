# pwd after the directory was removed prints $PWD
# follow: dash bash --posix prints nothing (getcwd fails); issue 12 §3 asks pwd to print $PWD, as dash (and plain bash) do
mkdir gone
cd gone
rmdir ../gone
pwd | sed 's|.*/||'
