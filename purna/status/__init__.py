"""The system's status for administrators (superusers): what the queues hold, what failed, whether beat
runs, how full the disks are. /healthz (purna/views.py) stays the cheap check for load balancers; this
page reads more and is for people."""
