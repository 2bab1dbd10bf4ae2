// The shop owner's account (from GET /owner), shared by the owner's shops: paired on install, shown in the iframe.
// The retention purge unlinks or deletes accounts in src/db/shop-erasure.ts.
import type { Types } from 'mongoose';
import type { AccountModel } from './models/account.js';

/** What GET /owner told us, already trimmed (null when Upgates left a field empty). */
export interface OwnerDetails {
  company: string | null;
  companyNumber: string | null;
  email: string | null;
  contactName: string | null;
  language: string | null;
  country: string | null;
}

export function createAccountStore(Account: AccountModel) {
  return {
    /** The account of `pairingKey` (created when new) with the owner's details, linked to the shop; its id. */
    async pairOwner(pairingKey: string, owner: OwnerDetails, shopToken: string): Promise<Types.ObjectId> {
      const account = await Account.findOneAndUpdate(
        { pairingKey },
        { $set: { ...owner }, $addToSet: { shopTokens: shopToken } },
        { upsert: true, new: true },
      );
      return account._id;
    },

    /** The company shown in the iframe: by the shop's account link, else any account listing the shop. */
    async companyOf(shopToken: string, accountId: Types.ObjectId | null | undefined) {
      return accountId
        ? Account.findById(accountId, { company: 1, companyNumber: 1 }).lean()
        : Account.findOne({ shopTokens: shopToken }, { company: 1, companyNumber: 1 }).lean();
    },
  };
}

export type AccountStore = ReturnType<typeof createAccountStore>;
