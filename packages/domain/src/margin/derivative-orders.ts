/**
 * @module margin/derivative-orders
 * Gathers what the derivative pre-trade check needs of an account (its modes, leverage, positions on the instrument,
 * what its margin makes available) and runs the pure check (derivative-pre-trade.ts).
 *
 * The account's `positionMode` HEDGE keeps a LONG and a SHORT position per instrument; anything else is NETTING.
 * `marginMode` ISOLATED margins new positions on their own collateral; anything else is CROSS. An open position keeps
 * the margin mode it opened with.
 */
import type { CadenzaConfig } from '../config.ts';
import { dec } from '../model/decimal.ts';
import type { Position, PositionSideValue } from '../model/position.ts';
import type { TradingAccount } from '../model/trading-account.ts';
import type { MarkBook } from '../derivatives/mark-book.ts';
import type { OrderDerivatives } from '../orders/order-desk.ts';
import type { PositionBook } from '../positions/position-book.ts';
import type { AccountMargin } from './account-margin.ts';
import { derivativePreTrade, type OpenPositionView } from './derivative-pre-trade.ts';

export function positionModeOf(a: TradingAccount): 'NETTING' | 'HEDGE' {
  return a.positionMode === 'HEDGE' ? 'HEDGE' : 'NETTING';
}

function view(p: Position): OpenPositionView {
  return { positionId: p.positionId, instrumentId: p.instrumentId, side: p.side, quantity: dec(p.quantity), leverage: p.leverage ?? 1, marginMode: p.marginMode ?? 'CROSS', status: p.status };
}

export class DerivativeOrders implements OrderDerivatives {
  constructor(
    private readonly config: CadenzaConfig,
    private readonly positions: PositionBook,
    private readonly margin: AccountMargin,
    private readonly marks: MarkBook,
  ) {}

  preTrade(input: Parameters<OrderDerivatives['preTrade']>[0]): ReturnType<OrderDerivatives['preTrade']> {
    const { account, spec } = input;
    const mode = positionModeOf(account);
    const id = account.tradingAccountId;
    const open: Partial<Record<PositionSideValue, OpenPositionView>> = {};
    if (mode === 'HEDGE') {
      for (const side of ['LONG', 'SHORT'] as const) {
        const p = this.positions.open(id, spec.instrumentId, side);
        if (p) open[side] = view(p);
      }
    } else {
      const p = this.positions.open(id, spec.instrumentId, 'NET');
      if (p) open[p.side] = view(p);
    }
    const named = input.positionId !== undefined ? this.positions.get(input.positionId) : undefined;
    const mark = this.marks.price(spec.instrumentId);
    return derivativePreTrade({
      draft: input.draft,
      spec,
      status: input.status,
      ...(input.book ? { book: input.book } : {}),
      buffer: dec(this.config.marketLockBuffer),
      positionMode: mode,
      marginMode: account.marginMode === 'ISOLATED' ? 'ISOLATED' : 'CROSS',
      ...(input.leverage !== undefined ? { leverage: input.leverage } : {}),
      ...(account.leverage !== undefined ? { defaultLeverage: account.leverage } : {}),
      ...(input.positionId !== undefined ? { positionId: input.positionId } : {}),
      ...(named && named.tradingAccountId === id ? { named: view(named) } : {}),
      open,
      available: this.margin.state(id, spec.contract!.settleAsset).available,
      ...(mark ? { mark } : {}),
    });
  }
}
