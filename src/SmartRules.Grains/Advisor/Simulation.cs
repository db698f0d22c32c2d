using SmartRules.Domain.Audit;

namespace SmartRules.Grains.Advisor;

/// <summary>
/// What applying a rule (or a bulk action) to the existing customers would do, computed without writing
/// (API.md "Advisor", simulate; "Backfills", dry run). <see cref="BeyondThreshold"/> is null for non-threshold triggers
/// and for bulk actions; <see cref="MatchingConditions"/> is the bulk filter's count for a bulk action.
/// </summary>
public sealed record Simulation(
    long Total,
    long Excluded,
    long MatchingConditions,
    long? BeyondThreshold,
    long WouldChange,
    IReadOnlyList<SimulatedCustomer> Sample);

/// <summary>One customer the action would change: the fields before and after (cascade included), and the
/// notifications it would send.</summary>
public sealed record SimulatedCustomer(string Id, IReadOnlyList<FieldChange> Changes, int Notifications);
