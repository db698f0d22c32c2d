using Orleans.Placement;
using Orleans.Runtime;
using Orleans.Runtime.Placement;

namespace SmartRules.Grains.Placement;

/// <summary>
/// Places a grain on the silo its key names (the silo address in <see cref="SiloAddress.ToParsableString"/> form), so a
/// grain can reach one silo's DI singletons, such as its tenant cache. Activation fails when that silo is not active.
/// </summary>
[Serializable, GenerateSerializer, Immutable, Alias("SmartRules.SiloTargetedPlacement")]
public sealed class SiloTargetedPlacement : PlacementStrategy
{
    internal static SiloTargetedPlacement Instance { get; } = new();
}

[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class SiloTargetedPlacementAttribute() : PlacementAttribute(SiloTargetedPlacement.Instance);

public sealed class SiloTargetedPlacementDirector : IPlacementDirector
{
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        var wanted = SiloAddress.FromParsableString(target.GrainIdentity.Key.ToString()!);
        foreach (var silo in context.GetCompatibleSilos(target))
        {
            if (silo.Equals(wanted)) return Task.FromResult(silo);
        }

        throw new OrleansException($"Silo {wanted} is not an active silo; the grain {target.GrainIdentity} cannot be placed there.");
    }
}
