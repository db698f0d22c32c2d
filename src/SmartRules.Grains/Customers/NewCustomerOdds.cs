using System.Collections.Concurrent;
using SmartRules.Grains.Telemetry;

namespace SmartRules.Grains.Customers;

/// <summary>
/// Per tenant, on this silo: whether a customer grain that activates for an update has lately been more often a new
/// customer (no row yet) or a stored one. While new ones prevail — an import — a grain skips the read that would find
/// nothing and writes its creation straight away, as an insert that fails if a row exists after all (then it reads and
/// applies the update again to what it read). While stored ones prevail — updates to customers whose grains are not
/// active, after a restart say — it reads first, as before. Each activation for an update counts +1 (new) or −1 (stored)
/// on a score kept between -<see cref="Limit"/> and <see cref="Limit"/>; creations are attempted straight away while the
/// score is above zero, so a tenant switches within a few dozen activations of its stream changing kind, and a guess
/// that turns out wrong costs one write that changes nothing (docs/architecture.md, "Activation: a creation needs no read").
/// </summary>
public sealed class NewCustomerOdds
{
    /// <summary>The bound of a tenant's score either way: how much of the past counts.</summary>
    public const int Limit = 64;

    private readonly ConcurrentDictionary<string, Tally> _tenants = new(StringComparer.Ordinal);

    /// <summary>Whether an update that activates a grain of this tenant should be written as a creation without a read.</summary>
    public bool FavourCreation(string tenantId) => Volatile.Read(ref Of(tenantId).Score) > 0;

    /// <summary>Counts how one activation for an update found its customer (also in <c>smartrules.customer.first_loads</c>).</summary>
    public void Observe(string tenantId, FirstLoad how)
    {
        var tally = Of(tenantId);
        Interlocked.Increment(ref tally.Counts[(int)how]);
        SmartRulesMetrics.FirstLoad(how);
        var step = how is FirstLoad.CreatedWithoutRead or FirstLoad.ReadNew ? 1 : -1;
        int seen, next;
        do
        {
            seen = Volatile.Read(ref tally.Score);
            next = Math.Clamp(seen + step, -Limit, Limit);
        }
        while (next != seen && Interlocked.CompareExchange(ref tally.Score, next, seen) != seen);
    }

    /// <summary>How many of this tenant's activations for an update on this silo found their customer <paramref name="how"/>.</summary>
    public long Count(string tenantId, FirstLoad how) => Interlocked.Read(ref Of(tenantId).Counts[(int)how]);

    private Tally Of(string tenantId) => _tenants.GetOrAdd(tenantId, static _ => new Tally());

    private sealed class Tally
    {
        public int Score;
        public readonly long[] Counts = new long[Enum.GetValues<FirstLoad>().Length];
    }
}

/// <summary>How a customer grain that activated for an update found its customer.</summary>
public enum FirstLoad
{
    /// <summary>Written as a creation without a read, and no row existed: the read was saved.</summary>
    CreatedWithoutRead,

    /// <summary>Written as a creation without a read, but a row existed: nothing was written, the grain read it and applied
    /// the update again (the guess cost a write that changed nothing).</summary>
    CreationFoundRow,

    /// <summary>Read first, and no row existed.</summary>
    ReadNew,

    /// <summary>Read first, and a row existed.</summary>
    ReadStored,
}
