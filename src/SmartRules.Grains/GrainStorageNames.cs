namespace SmartRules.Grains;

/// <summary>The grain storage providers the grains use; the host registers them.</summary>
public static class GrainStorageNames
{
    /// <summary>Rule sets: the stock Orleans ADO.NET provider.</summary>
    public const string Rules = "rules";

    /// <summary>Tenants: the stock Orleans ADO.NET provider.</summary>
    public const string Tenants = "tenants";

    /// <summary>Backfill coordinators: the stock Orleans ADO.NET provider.</summary>
    public const string Backfills = "backfills";

    /// <summary>Customers: the project's group-commit provider on the <c>customers</c> table.</summary>
    public const string Customers = SmartRules.Grains.Customers.CustomerGrainStorage.Name;
}
