using System.Net;
using Npgsql;

namespace SmartRules.AppHost.Tests;

/// <summary>The AppHost on the database given in ConnectionStrings:SmartRules: no PostgreSQL resource of its own.</summary>
public sealed class GivenDatabaseTests
{
    [Fact]
    public async Task With_ConnectionStrings_SmartRules_the_silos_use_that_database()
    {
        var server = Environment.GetEnvironmentVariable("SMARTRULES_TEST_PG") is { Length: > 0 } configured
            ? configured
            : "Host=127.0.0.1;Port=5432;Username=smartrules;Password=smartrules;Database=postgres";
        var name = "smartrules_apphost_" + Guid.NewGuid().ToString("N")[..12];
        await using (var admin = new NpgsqlConnection(server))
        {
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand($"create database {name}", admin);
            await create.ExecuteNonQueryAsync();
        }

        var database = new NpgsqlConnectionStringBuilder(server) { Database = name }.ConnectionString;
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(4));
            var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.SmartRules_AppHost>(
                [$"--ConnectionStrings:SmartRules={database}", "--SmartRules:ApiPort=0", "--Silos=1"], timeout.Token);
            await using (var app = await builder.BuildAsync(timeout.Token))
            {
                Assert.DoesNotContain(builder.Resources, r => r.Name == "postgres");
                await app.StartAsync(timeout.Token);
                await app.ResourceNotifications.WaitForResourceHealthyAsync("silo", timeout.Token);
                using var http = app.CreateHttpClient("silo", "http");
                Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health", timeout.Token)).StatusCode);
                await app.StopAsync(timeout.Token);
            }

            await using var check = new NpgsqlConnection(database);
            await check.OpenAsync();
            await using var members = new NpgsqlCommand("select count(*) from orleansmembershiptable", check);
            Assert.True((long)(await members.ExecuteScalarAsync())! >= 1, "the silo joined its cluster in the given database");
        }
        finally
        {
            await using var admin = new NpgsqlConnection(server);
            await admin.OpenAsync();
            await using var drop = new NpgsqlCommand($"drop database if exists {name} with (force)", admin);
            await drop.ExecuteNonQueryAsync();
        }
    }
}
