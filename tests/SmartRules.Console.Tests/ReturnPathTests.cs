extern alias console;

using console::SmartRules.Console.Sessions;

namespace SmartRules.Console.Tests;

public sealed class ReturnPathTests
{
    [Theory]
    [InlineData(null, "/")]
    [InlineData("", "/")]
    [InlineData("rules", "/rules")]
    [InlineData("customers/c1?x=1", "/customers/c1?x=1")]
    [InlineData("/settings", "/settings")]
    [InlineData("//evil.test/x", "/evil.test/x")]
    [InlineData("https://evil.test", "/")]
    [InlineData("https:evil.test", "/https:evil.test")]
    [InlineData("\\\\evil.test", "/evil.test")]
    [InlineData("/\\evil.test", "/evil.test")]
    [InlineData("rules\\..\\x", "/")]
    public void Sign_in_returns_only_to_a_path_of_the_console(string? returnUrl, string expected) => Assert.Equal(expected, ReturnPath.Safe(returnUrl));
}
