# printf conversions
printf '%s|%d|%5s|%-5s|%x|%o|%c|%05d\n' str 42 r l 255 8 xyz 42
printf '%.2s|%3d|%-3d|%+d|%i\n' abcdef 7 7 7 9
