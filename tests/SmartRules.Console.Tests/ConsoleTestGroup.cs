namespace SmartRules.Console.Tests;

/// <summary>One API, one console and one browser for every console test (they each sign in with a tenant of their own).</summary>
[CollectionDefinition(Name)]
public sealed class ConsoleTestGroup : ICollectionFixture<ConsoleFixture>
{
    public const string Name = "Console";
}
