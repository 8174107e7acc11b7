# reserved words are plain words as arguments
echo if then else elif fi do done case esac while until for in
echo { } !
