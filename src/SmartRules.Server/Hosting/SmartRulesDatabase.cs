using Npgsql;

namespace SmartRules.Server.Hosting;

/// <summary>The connection settings every part of a silo shares.</summary>
public static class SmartRulesDatabase
{
    /// <summary>The ADO.NET invariant name the Orleans providers use for Npgsql.</summary>
    public const string Invariant = "Npgsql";

    /// <summary>
    /// Fills in what a silo needs and the given string leaves out: a pool no larger than a default PostgreSQL allows
    /// (its max_connections is 100 and several silos share it, while Npgsql's default pool is 100), statements
    /// prepared automatically, and connections not reset when they return to the pool.
    /// </summary>
    public static string Tune(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (!connectionString.Contains("Maximum Pool Size", StringComparison.OrdinalIgnoreCase) &&
            !connectionString.Contains("MaxPoolSize", StringComparison.OrdinalIgnoreCase))
        {
            builder.MaxPoolSize = 24;
        }

        if (builder.MaxAutoPrepare == 0) builder.MaxAutoPrepare = 20;
        builder.NoResetOnClose = true;
        return builder.ConnectionString;
    }
}
