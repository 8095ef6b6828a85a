$VMSIM machines core-i7 --set page_size=2M --set pte_format=teach --set levels=2 --set pa_bits=40
