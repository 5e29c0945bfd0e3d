@echo -off
ver
map -r
echo STRATA-SHELL-OK
reset -s
