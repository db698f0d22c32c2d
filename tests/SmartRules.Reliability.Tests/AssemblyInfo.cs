// Each scenario runs a cluster of three silo processes and measures it: one at a time, or they would measure each other.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
