using Npgsql;

namespace SmartRules.Server.Tests.Shards;

/// <summary>
/// The real server with customer data on three PostgreSQL servers: the cluster database (the shard "SmartRules", on the
/// shared test server) and two throwaway servers of this fixture's own, "Shard1" and "Shard2", which a test may stop
/// and start. A local webhook receiver takes the notifications of every shard.
/// </summary>
public sealed class ShardedServer : IAsyncLifetime
{
    public static readonly string[] ShardNames = ["SmartRules", "Shard1", "Shard2"];

    public ThrowawayPostgres Shard1 { get; private set; } = null!;

    public ThrowawayPostgres Shard2 { get; private set; } = null!;

    public WebhookReceiver Webhooks { get; private set; } = null!;

    public ApiFixture Api { get; } = new();

    public async Task InitializeAsync()
    {
        var servers = await Task.WhenAll(ThrowawayPostgres.StartAsync(), ThrowawayPostgres.StartAsync());
        (Shard1, Shard2) = (servers[0], servers[1]);
        Webhooks = await WebhookReceiver.StartAsync();
        Api.Settings["SmartRules:CustomerShards"] = "Shard1, Shard2";
        Api.Settings["ConnectionStrings:Shard1"] = Shard1.ConnectionString;
        Api.Settings["ConnectionStrings:Shard2"] = Shard2.ConnectionString;
        Api.Settings["SmartRules:Notifications:PollInterval"] = "00:00:00.100";
        Api.Settings["SmartRules:Notifications:AllowPrivateWebhookAddresses"] = "true"; // the receiver is on loopback
        await Api.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        await Api.DisposeAsync();
        await Webhooks.DisposeAsync();
        NpgsqlConnection.ClearAllPools();
        await Shard1.DisposeAsync();
        await Shard2.DisposeAsync();
    }

    /// <summary>The connection string of a shard by its configured name.</summary>
    public string ConnectionStringOf(string shard) => shard switch
    {
        "SmartRules" => Api.Database.ConnectionString,
        "Shard1" => Shard1.ConnectionString,
        "Shard2" => Shard2.ConnectionString,
        _ => throw new ArgumentOutOfRangeException(nameof(shard), shard, "unknown shard"),
    };

    /// <summary>A connection of the test's own to a shard, unpooled: a pooled one would not survive the shard's restart.</summary>
    public async Task<NpgsqlConnection> OpenAsync(string shard)
    {
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(ConnectionStringOf(shard)) { Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    /// <summary>Runs a scalar query on one shard's database, directly (not through the server).</summary>
    public async Task<long> CountAsync(string shard, string sql, string tenant)
    {
        await using var connection = await OpenAsync(shard);
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("t", tenant);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
