cmd <in >out 2>>log 3>&1 4<&0 5>&- <&- 2>&"$fd" 2> err
