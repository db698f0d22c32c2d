using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Routing;

namespace SmartRules.Console.Components.Layout;

/// <summary>The navigation's Rules link: the rule set is the home page and <c>/rules</c> both, and the rule editor
/// (<c>/rules/new</c>, <c>/rules/{id}</c>) belongs to it, which no single <see cref="NavLinkMatch"/> expresses.</summary>
public sealed class RulesNavLink : NavLink
{
    [Inject] private NavigationManager Navigation { get; set; } = default!;

    protected override bool ShouldMatch(string uriAbsolute)
    {
        var path = Navigation.ToBaseRelativePath(uriAbsolute);
        var end = path.IndexOfAny(['?', '#']);
        if (end >= 0) path = path[..end];
        path = path.TrimEnd('/');
        return path.Length == 0 || path.Equals("rules", StringComparison.OrdinalIgnoreCase) || path.StartsWith("rules/", StringComparison.OrdinalIgnoreCase);
    }
}
