# CS:APP 3e Practice Problems 9.11, 9.12, 9.13 (VAs 0x027c, 0x03a9, 0x0040 on the 9.6.4 system): the key
$VMSIM translate --explain answer --state examples/csapp-small.state 0x027c 0x03a9 0x0040
