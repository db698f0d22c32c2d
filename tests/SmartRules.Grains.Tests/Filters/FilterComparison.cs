namespace SmartRules.Grains.Tests.Filters;

/// <summary>The ids each query selected ("list", "rule backfill", "all-active-rules backfill", "bulk action"), in the
/// order the SQL returned them, and the disagreements with the domain (none when the two agree).</summary>
internal sealed record FilterComparison(IReadOnlyList<string> Disagreements, IReadOnlyDictionary<string, IReadOnlyList<string>> Selected);
