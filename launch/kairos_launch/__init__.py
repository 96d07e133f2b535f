"""kairos-launch: runs a Kairos scenario under mpirun or srun and resumes it
from its newest usable checkpoint, on the nodes that are left, whenever ranks
die. See `kairos-launch --help` and the README's "Running on a cluster"."""
