# nested groups
{ { echo inner; }; echo outer; }
