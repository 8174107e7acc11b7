# } as an argument inside a group
{ echo }; }
{ echo { x; }
