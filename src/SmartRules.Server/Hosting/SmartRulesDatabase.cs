using Npgsql;

namespace SmartRules.Server.Hosting;

/// <summary>The connection settings every part of a silo shares.</summary>
public static class SmartRulesDatabase
{
    /// <summary>The ADO.NET invariant name the Orleans providers use for Npgsql.</summary>
    public const string Invariant = "Npgsql";

    /// <summary>
    /// The most connections a silo's data sources hold to one database server (the customer store, the API's queries,
    /// the backfills, the dispatcher): their work needs a few at once (two write and two read batches), the rest waits.
    /// </summary>
    public const int DataSourcePoolSize = 20;

    /// <summary>The most connections Orleans' ADO.NET providers of a silo hold (membership, reminders, grain storage).</summary>
    public const int OrleansPoolSize = 8;

    /// <summary>
    /// The most connections a silo holds to its database, both pools together: a default PostgreSQL (100 connections,
    /// 3 of them kept for superusers) then serves three silos with room left for migrations and operators' tools.
    /// </summary>
    public const int ConnectionsPerSilo = DataSourcePoolSize + OrleansPoolSize;

    /// <summary>
    /// Fills in what a silo's data sources need and the given string leaves out: a pool of
    /// <see cref="DataSourcePoolSize"/> (Npgsql's default is 100, a default PostgreSQL's whole capacity), statements
    /// prepared automatically, and connections not reset when they return to the pool.
    /// </summary>
    public static string Tune(string connectionString) => Tune(connectionString, DataSourcePoolSize);

    /// <summary>
    /// The same for Orleans' ADO.NET providers, which open their connections through Npgsql's shared pools (one per
    /// connection string) beside the silo's data sources: a pool of <see cref="OrleansPoolSize"/>. Their work is light
    /// but bursty (a silo reads its reminder ranges at once when it starts); the burst waits for the pool instead of
    /// taking connections other silos need.
    /// </summary>
    public static string TuneForOrleans(string connectionString) => Tune(connectionString, OrleansPoolSize);

    private static string Tune(string connectionString, int poolSize)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (!SetsPoolSize(connectionString)) builder.MaxPoolSize = poolSize;

        if (builder.MaxAutoPrepare == 0) builder.MaxAutoPrepare = 20;
        builder.NoResetOnClose = true;
        return builder.ConnectionString;
    }

    /// <summary>Whether the given string sets the pool's size itself (under any of the names Npgsql reads for it).</summary>
    private static bool SetsPoolSize(string connectionString)
    {
        var given = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString };
        return given.Keys.Cast<string>().Any(key => key.Replace(" ", "", StringComparison.Ordinal).ToUpperInvariant() is "MAXPOOLSIZE" or "MAXIMUMPOOLSIZE");
    }
}
