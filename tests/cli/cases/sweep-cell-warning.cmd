$VMSIM sweep -j 2 --memory 256M,32K tests/data/trace/pages.lackey tests/data/trace/small.lackey > /dev/null
