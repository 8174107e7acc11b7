# issue 12 §4: PATH=$PWD/bin:$PATH cmd searches the new PATH
mkdir bin
printf '#!/bin/sh\necho "mycmd ran"\n' >bin/mycmd
chmod +x bin/mycmd
PATH=$PWD/bin:$PATH mycmd
mycmd 2>/dev/null || echo "not on the old PATH"
